package dev.strata.engine.sst;

import dev.strata.engine.InvalidArgumentException;

/**
 * How a {@link TableWriter} lays out one table. Immutable; derive variants with the
 * {@code with*} methods from {@link #DEFAULTS}. None of these needs to be known by a reader:
 * everything a reader needs is recorded in the file.
 *
 * @param blockSize            target uncompressed size of a data block; a block is cut after
 *                             the entry that reaches it (default 4 KiB, at least 64 B)
 * @param restartInterval      entries between restart points in data blocks (default 16)
 * @param bloomBitsPerKey      bloom filter bits per user key, 0 for no filter (default 10)
 * @param compression          compression of data blocks (default NONE)
 * @param zstdLevel            zstd level when compressing (default 3)
 * @param dictionaryBytes      zstd dictionary size to train, 0 for none (default 0); only
 *                             with {@link Compression#ZSTD}
 * @param dictionarySampleBytes how many bytes of the first data blocks to buffer and train the
 *                             dictionary on (default 100 x dictionaryBytes, as zstd advises)
 */
public record TableOptions(int blockSize, int restartInterval, int bloomBitsPerKey,
                           Compression compression, int zstdLevel, int dictionaryBytes,
                           int dictionarySampleBytes) {

    /** Compression of a table's data blocks. */
    public enum Compression { NONE, ZSTD }

    public static final TableOptions DEFAULTS =
            new TableOptions(4096, 16, 10, Compression.NONE, 3, 0, 0);

    public TableOptions {
        if (blockSize < 64 || blockSize > (64 << 20)) {
            throw new InvalidArgumentException("blockSize must be in [64 B, 64 MiB]: " + blockSize);
        }
        if (restartInterval < 1 || restartInterval > 1024) {
            throw new InvalidArgumentException("restartInterval must be in [1, 1024]: " + restartInterval);
        }
        if (bloomBitsPerKey < 0 || bloomBitsPerKey > 64) {
            throw new InvalidArgumentException("bloomBitsPerKey must be in [0, 64]: " + bloomBitsPerKey);
        }
        if (compression == null) {
            throw new InvalidArgumentException("compression is required");
        }
        if (zstdLevel < -7 || zstdLevel > 22) {
            throw new InvalidArgumentException("zstdLevel must be in [-7, 22]: " + zstdLevel);
        }
        if (dictionaryBytes < 0 || dictionaryBytes > (1 << 20)) {
            throw new InvalidArgumentException("dictionaryBytes must be in [0, 1 MiB]: " + dictionaryBytes);
        }
        if (dictionarySampleBytes < 0 || dictionarySampleBytes > (256 << 20)) {
            throw new InvalidArgumentException("dictionarySampleBytes must be in [0, 256 MiB]");
        }
    }

    public TableOptions withBlockSize(int v) {
        return new TableOptions(v, restartInterval, bloomBitsPerKey, compression, zstdLevel,
                dictionaryBytes, dictionarySampleBytes);
    }

    public TableOptions withRestartInterval(int v) {
        return new TableOptions(blockSize, v, bloomBitsPerKey, compression, zstdLevel,
                dictionaryBytes, dictionarySampleBytes);
    }

    public TableOptions withBloomBitsPerKey(int v) {
        return new TableOptions(blockSize, restartInterval, v, compression, zstdLevel,
                dictionaryBytes, dictionarySampleBytes);
    }

    public TableOptions withCompression(Compression v) {
        return new TableOptions(blockSize, restartInterval, bloomBitsPerKey, v, zstdLevel,
                dictionaryBytes, dictionarySampleBytes);
    }

    public TableOptions withZstdLevel(int v) {
        return new TableOptions(blockSize, restartInterval, bloomBitsPerKey, compression, v,
                dictionaryBytes, dictionarySampleBytes);
    }

    /** A zstd dictionary of {@code bytes} (0 = none), trained on {@code sampleBytes} (0 = 100x). */
    public TableOptions withDictionary(int bytes, int sampleBytes) {
        return new TableOptions(blockSize, restartInterval, bloomBitsPerKey, compression, zstdLevel,
                bytes, sampleBytes);
    }

    /** Whether data blocks are compressed with a trained dictionary. */
    boolean usesDictionary() {
        return compression == Compression.ZSTD && dictionaryBytes > 0;
    }

    /** The sample budget in effect: as given, or 100 x the dictionary size, capped at 16 MiB. */
    int effectiveSampleBytes() {
        if (dictionarySampleBytes > 0) {
            return dictionarySampleBytes;
        }
        return (int) Math.min(16L << 20, 100L * dictionaryBytes);
    }
}
