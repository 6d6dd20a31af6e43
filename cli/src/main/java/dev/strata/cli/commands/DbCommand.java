package dev.strata.cli.commands;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Session;
import dev.strata.cli.StrataCli;
import dev.strata.cli.format.Json;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.StrataDatabase;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every database command shares: the global options (from the root command, however deep
 * the command is nested), the session's streams, argument parsing and display in the chosen
 * {@code --format}, and finding the column family a command works on. Each subclass is one
 * command; picocli creates a new one per command line.
 */
public abstract class DbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The {@code strata} command, which holds the global options and the session. */
    protected StrataCli root() {
        return (StrataCli) spec.root().userObject();
    }

    protected Session session() {
        return root().session();
    }

    protected PrintWriter out() {
        return session().out();
    }

    protected boolean json() {
        return root().json();
    }

    /** A key or value argument, decoded from the {@code --format} encoding. */
    protected byte[] arg(String text, String what) {
        return root().format().parse(text, what);
    }

    /** Bytes as text output shows them. */
    protected String show(byte[] bytes) {
        return root().format().show(bytes);
    }

    protected DatabaseAccess.Lease read() {
        return session().access().read(root());
    }

    protected DatabaseAccess.Lease write(String command) {
        return session().access().write(root(), command);
    }

    /**
     * The family {@code option} names; unset, the session's family (the shell's {@code use}) or
     * the database's default one. Exit code 3 if there is no such family.
     */
    protected ColumnFamily family(StrataDatabase db, FamilyOption option) {
        String name = option.name != null ? option.name : session().family();
        return name == null ? db.defaultColumnFamily() : family(db, name);
    }

    /** The family named {@code name}; exit code 3, with a hint, if there is none. */
    public static ColumnFamily family(StrataDatabase db, String name) {
        try {
            return db.columnFamily(name);
        } catch (ColumnFamilyNotFoundException e) {
            throw new CliException(ExitCode.NOT_FOUND, e.getMessage() + " ('strata columns list' lists them)");
        }
    }

    /** Whether {@code family} is the database's default family. */
    protected static boolean isDefault(StrataDatabase db, ColumnFamily family) {
        return family.id() == db.defaultColumnFamily().id();
    }

    protected void print(Json.Obj o) {
        out().println(o);
        out().flush();
    }
}
