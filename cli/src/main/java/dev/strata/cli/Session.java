package dev.strata.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;

/**
 * What one run of the tool works with: its output and error writers, its input (for the shell
 * and confirmations), whether it talks to a terminal (progress and prompts only then), how
 * commands reach the database ({@link DatabaseAccess}), and the column family a command uses
 * when it is given none. Created by {@link StrataCli#run} for a process, and again by the shell
 * around the database it keeps open and for each line (the family its {@code use} chose).
 */
public final class Session {
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final BooleanSupplier terminal;
    private final DatabaseAccess access;
    private final String family;

    public Session(PrintWriter out, PrintWriter err, BufferedReader in, BooleanSupplier terminal, DatabaseAccess access) {
        this(out, err, in, terminal, access, null);
    }

    private Session(PrintWriter out, PrintWriter err, BufferedReader in, BooleanSupplier terminal, DatabaseAccess access,
                    String family) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.terminal = terminal;
        this.access = access;
        this.family = family;
    }

    /** Data: what the command prints. */
    public PrintWriter out() {
        return out;
    }

    /** Errors, warnings and progress; never data. */
    public PrintWriter err() {
        return err;
    }

    public BufferedReader in() {
        return in;
    }

    /** Whether a person is watching (stdin and stdout are a terminal): progress and prompts only then. */
    public boolean terminal() {
        return terminal.getAsBoolean();
    }

    public DatabaseAccess access() {
        return access;
    }

    /**
     * The column family commands use when not given {@code --column-family}, or null for the
     * database's default family.
     */
    public String family() {
        return family;
    }

    /** The same streams with another way to reach the database (the shell's). */
    public Session withAccess(DatabaseAccess other) {
        return new Session(out, err, in, terminal, other, family);
    }

    /** The same session with another family for commands given none (null: the default family). */
    public Session withFamily(String name) {
        return new Session(out, err, in, terminal, access, name);
    }
}
