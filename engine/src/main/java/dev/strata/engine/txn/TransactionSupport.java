package dev.strata.engine.txn;

import dev.strata.engine.event.ChangeFeed;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.lock.UserLocks;
import dev.strata.engine.verify.DatabaseVersions;

/**
 * What issue 5 adds to a database, created by its constructor and closed by its close: the
 * transaction manager, the user locks, the event bus and change feed, and the database's use of
 * the verification table, all wired to the commit pipeline through one {@link CommitTracker}.
 * The database's public methods for these delegate to the parts returned here.
 */
public final class TransactionSupport {
    /** Bytes of commits held between capture and dispatch by the change feed. */
    private static final long FEED_BUFFER_BYTES = 64L << 20;

    private final TransactionManager transactions;
    private final UserLocks locks;
    private final EventBus events;
    private final ChangeFeed feed;
    private final DatabaseVersions versions;

    public TransactionSupport(EngineAccess access) {
        String name = String.valueOf(access.dir().getFileName());
        this.events = new EventBus("strata-events-" + name);
        ConflictTable conflicts = new ConflictTable();
        this.transactions = new TransactionManager(access, new ConflictChecker(conflicts, access.trees()), events);
        this.locks = new UserLocks(access.async());
        boolean verified = access.options().verificationTable();
        // Per family once column families exist; until then the option is the default family's.
        this.versions = new DatabaseVersions(cf -> cf == 0 && verified, verified);
        this.feed = new ChangeFeed(name, access.pipeline()::visibleSeqno, access.pipeline()::lastSeqno, FEED_BUFFER_BYTES);
        access.pipeline().observer(new CommitTracker(conflicts, versions, verified, feed));
    }

    public TransactionManager transactions() {
        return transactions;
    }

    public UserLocks locks() {
        return locks;
    }

    public EventBus events() {
        return events;
    }

    public ChangeFeed feed() {
        return feed;
    }

    public DatabaseVersions versions() {
        return versions;
    }

    /**
     * The database is closing (no call is running any more): aborts live transactions, releases
     * every lock and runs the queued unlock callbacks, stops the change feed (after what is
     * visible) and the event bus (after what was notified).
     */
    public void close() {
        transactions.close();
        locks.close();
        feed.close();
        events.close();
    }
}
