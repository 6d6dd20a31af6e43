package dev.strata.cli;

import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.vfs.LocalStorage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How a command gets its database. A one-shot command opens it and closes it when done: commands
 * that only read open it read-only (no lock taken, no file changed, so they work beside a running
 * application); commands that write open it for writing and take the lock. The shell instead
 * holds one open database that every command of the session uses ({@link #shared}).
 *
 * <p>Also where the tool's rules about the directory live: it must exist and hold a database
 * (exit code 3 otherwise) unless a writing command was given {@code --create-if-missing}.
 */
public class DatabaseAccess {

    /** An open database for one command; closing it closes the database only if the lease opened it. */
    public interface Lease extends AutoCloseable {
        StrataDatabase db();

        @Override
        void close();
    }

    /** Opens per command (the process's access). */
    public static DatabaseAccess perCommand() {
        return new DatabaseAccess();
    }

    /** Uses {@code db} for every command, never closing it (the shell's access). */
    public static DatabaseAccess shared(StrataDatabase db, boolean readOnly) {
        return new Shared(db, readOnly);
    }

    /** A read-only view for a command that only reads. */
    public Lease read(GlobalOptions g) {
        Path dir = existingDatabase(g);
        StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().readOnly(true));
        return lease(db, true);
    }

    /** A writable open for {@code command}, which writes. */
    public Lease write(GlobalOptions g, String command) {
        if (g.readOnly()) {
            throw new CliException(ExitCode.USAGE, command + " writes to the database; it cannot run with --read-only");
        }
        Path dir = g.createIfMissing() ? creatableDatabase(g) : existingDatabase(g);
        try {
            return lease(StrataDatabase.open(dir, StrataOptions.defaults()), true);
        } catch (DatabaseLockedException e) {
            throw locked(dir, command);
        }
    }

    /** The error of a command that found the database locked by another process (exit code 5). */
    public static CliException locked(Path dir, String command) {
        return new CliException(ExitCode.LOCKED, "cannot " + command + ": " + dir + " is locked by another process "
                + "(it holds the write lock). Stop that process first; commands that only read "
                + "(get, scan, count, stats, properties, verify, --read-only shell) work beside it");
    }

    /**
     * The directory of a database for a command that takes the database's lock itself and works
     * on its files with the database closed ({@code repair}). The shell, which holds the database
     * open, refuses such commands.
     */
    public Path closed(GlobalOptions g, String command) {
        if (g.readOnly()) {
            throw new CliException(ExitCode.USAGE, command + " changes the database's files; it cannot run with --read-only");
        }
        return existingDatabase(g);
    }

    /** The database directory, which must exist and hold a database. */
    public Path existingDatabase(GlobalOptions g) {
        Path dir = requireDir(g);
        if (!Files.isDirectory(dir)) {
            throw new CliException(ExitCode.NOT_FOUND, "no such directory: " + dir);
        }
        if (!DatabaseLayout.isDatabase(dir, LocalStorage.INSTANCE)) {
            throw new CliException(ExitCode.NOT_FOUND, "no Strata database in " + dir
                    + " (it has no wal/ directory and no MANIFEST)");
        }
        return dir;
    }

    private Path creatableDatabase(GlobalOptions g) {
        Path dir = requireDir(g);
        if (Files.isDirectory(dir) && !DatabaseLayout.isDatabase(dir, LocalStorage.INSTANCE) && !isEmpty(dir)) {
            throw new CliException(ExitCode.USAGE, dir + " is not empty and holds no Strata database; "
                    + "--create-if-missing creates one only in a new or empty directory");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(ExitCode.USAGE, dir + " is a file, not a directory");
        }
        return dir;
    }

    private static Path requireDir(GlobalOptions g) {
        if (g.db() == null) {
            throw new CliException(ExitCode.USAGE, "no database given: use --db DIR (or set STRATA_DB)");
        }
        return g.db().toAbsolutePath().normalize();
    }

    /** Whether the directory {@code dir} has no entries; exit code 1 if it cannot be listed. */
    public static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new CliException(ExitCode.INTERNAL, "cannot list " + dir + ": " + e.getMessage());
        }
    }

    static Lease lease(StrataDatabase db, boolean owned) {
        return new Lease() {
            @Override
            public StrataDatabase db() {
                return db;
            }

            @Override
            public void close() {
                if (owned) {
                    db.close();
                }
            }
        };
    }

    /** The shell's access: one database for every command, closed by the shell. */
    private static final class Shared extends DatabaseAccess {
        private final StrataDatabase db;
        private final boolean readOnly;

        Shared(StrataDatabase db, boolean readOnly) {
            this.db = db;
            this.readOnly = readOnly;
        }

        @Override
        public Lease read(GlobalOptions g) {
            checkSameDatabase(g);
            return lease(db, false);
        }

        @Override
        public Lease write(GlobalOptions g, String command) {
            checkSameDatabase(g);
            if (readOnly) {
                throw new CliException(ExitCode.USAGE, "this shell opened " + db.path() + " read-only; "
                        + command + " writes (start the shell without --read-only)");
            }
            return lease(db, false);
        }

        @Override
        public Path existingDatabase(GlobalOptions g) {
            checkSameDatabase(g);
            return db.path();
        }

        @Override
        public Path closed(GlobalOptions g, String command) {
            throw new CliException(ExitCode.USAGE, command + " needs the database closed, and this shell holds it open; "
                    + "leave the shell ('exit') and run 'strata " + command + "'");
        }

        private void checkSameDatabase(GlobalOptions g) {
            if (g.db() != null && !g.db().toAbsolutePath().normalize().equals(db.path())) {
                throw new CliException(ExitCode.USAGE, "this shell works on " + db.path() + "; leave it to use "
                        + g.db());
            }
        }
    }
}
