package dev.strata.engine;

import dev.strata.engine.handle.HandleRegistry;
import dev.strata.engine.iterator.DbIterator;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.lsm.ReadView;

import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The iterator a column family hands out: registered with the database's handle registry, it
 * holds the tables it reads (its {@link ReadView}) until closed, and every step checks that the
 * database is still open, so use after close throws {@link ClosedException} instead of reading
 * released tables.
 */
final class IteratorHandle extends HandleRegistry.Handle implements StrataIterator<KeyValue> {
    private final StrataDatabase db;
    private final LsmTree tree;
    private final DbIterator it;
    private final ReadView view;
    private boolean fetched;
    private boolean hasNext;
    private volatile boolean closedByUser;
    private final AtomicBoolean released = new AtomicBoolean();

    IteratorHandle(StrataDatabase db, LsmTree tree, DbIterator it, ReadView view) {
        this.db = db;
        this.tree = tree;
        this.it = it;
        this.view = view;
    }

    /** Lets go of the tables this iterator held (once, by close or by the database's close). */
    private void releaseView() {
        if (released.compareAndSet(false, true)) {
            it.close();
            tree.release(view);
        }
    }

    private void checkOpen() {
        if (closedByUser) {
            throw new ClosedException("iterator is closed");
        }
        if (invalidated() || db.isClosed()) {
            throw new ClosedException("database " + db.path() + " was closed while this iterator was open");
        }
    }

    @Override
    public boolean hasNext() {
        checkOpen();
        if (!fetched) {
            hasNext = it.advance();
            fetched = true;
        }
        return hasNext;
    }

    @Override
    public KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        fetched = false;
        return new KeyValue(it.key(), it.value());
    }

    @Override
    protected void release() {
        releaseView();
    }

    @Override
    public void close() {
        if (!closedByUser) {
            closedByUser = true;
            db.handles().deregister(this);
            releaseView();
        }
    }
}
