package dev.strata.replication.spi;

import java.nio.file.Path;

/**
 * Opens the follower's database in a directory (created if missing), in follower mode. The
 * follower calls it at start and again after a full sync swapped a new copy into the directory.
 */
@FunctionalInterface
public interface ReplicaOpener {
    ReplicaTarget open(Path directory);
}
