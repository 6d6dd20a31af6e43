package dev.strata.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;

/**
 * What one run of the tool works with: its output and error writers, its input (for the shell),
 * whether it talks to a terminal (progress and prompts only then), and how commands reach the
 * database ({@link DatabaseAccess}). Created by {@link StrataCli#run} for a process, and again by
 * the shell around the database it keeps open.
 */
public final class Session {
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final BooleanSupplier terminal;
    private final DatabaseAccess access;

    public Session(PrintWriter out, PrintWriter err, BufferedReader in, BooleanSupplier terminal, DatabaseAccess access) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.terminal = terminal;
        this.access = access;
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

    /** The same streams with another way to reach the database (the shell's). */
    public Session withAccess(DatabaseAccess other) {
        return new Session(out, err, in, terminal, other);
    }
}
