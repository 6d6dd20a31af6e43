package dev.strata.engine;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An iterator over a consistent snapshot of a key range. It holds resources (a registered
 * handle, and with SSTables the files it reads) until closed: use try-with-resources. After the
 * database closes, every call throws {@link ClosedException}.
 */
public interface StrataIterator<T> extends Iterator<T>, AutoCloseable {

    @Override
    void close();

    /** A sequential stream over the remaining elements; closing the stream closes this iterator. */
    default Stream<T> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }
}
