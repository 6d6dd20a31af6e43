package dev.strata.autoconfigure.lock;

import dev.strata.engine.StrataDatabase;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * {@link StrataLockRegistry} as Spring Integration's {@link LockRegistry}, so it can be handed to
 * a {@code LockRegistryLeaderInitiator}, an aggregator or {@code executeLocked(key, ...)}.
 * Created instead of the plain registry when Spring Integration is on the class path and the
 * application has no {@code LockRegistry} bean of its own (a second one would make injection by
 * type ambiguous; the plain registry is created then).
 */
public class StrataIntegrationLockRegistry extends StrataLockRegistry implements LockRegistry<StrataLock> {

    public StrataIntegrationLockRegistry(StrataDatabase db) {
        super(db);
    }
}
