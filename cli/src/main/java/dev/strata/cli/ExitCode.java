package dev.strata.cli;

import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.LogUnavailableException;
import dev.strata.engine.ReadOnlyException;
import picocli.CommandLine;

/**
 * The process exit codes of {@code strata}, documented in docs/cli.md. Scripts match on them, so
 * a code keeps its meaning forever; new ones are only added.
 */
public final class ExitCode {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /**
     * A failure: an I/O error, a bug, a database that refuses writes after a failure; or the
     * operator answered no to a confirmation.
     */
    public static final int INTERNAL = 1;
    /** The operator answered no to a confirmation: a failure's code, since nothing was done. */
    public static final int DECLINED = INTERNAL;
    /**
     * Bad usage: unknown command or option, malformed key, a write with --read-only, a command
     * that needs confirmation run without a terminal and without --yes.
     */
    public static final int USAGE = 2;
    /**
     * Not found: the key of a get, the database directory, a column family, a backup, a
     * transaction log, records the WAL no longer holds.
     */
    public static final int NOT_FOUND = 3;
    /** A damaged file, or verify found damage. */
    public static final int CORRUPTION = 4;
    /** Another process holds the database's write lock. */
    public static final int LOCKED = 5;

    private ExitCode() {
    }

    /** The exit code a failure maps to. */
    public static int of(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof CommandLine.ParameterException || e instanceof InvalidArgumentException
                || e instanceof ReadOnlyException) {
            return USAGE;
        }
        if (e instanceof ColumnFamilyNotFoundException || e instanceof LogUnavailableException) {
            return NOT_FOUND;
        }
        if (e instanceof CorruptionException) {
            return CORRUPTION;
        }
        if (e instanceof DatabaseLockedException) {
            return LOCKED;
        }
        return INTERNAL;
    }
}
