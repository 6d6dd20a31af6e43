package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.Session;
import dev.strata.cli.StrataCli;
import dev.strata.cli.format.Json;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every database command shares: the global options (from the root command), the
 * session's streams, and argument parsing and display in the chosen {@code --format}. Each
 * subclass is one command; picocli creates a new one per command line.
 */
public abstract class DbCommand implements Callable<Integer> {
    @ParentCommand
    StrataCli root;

    protected Session session() {
        return root.session();
    }

    protected PrintWriter out() {
        return root.session().out();
    }

    protected boolean json() {
        return root.json();
    }

    /** A key or value argument, decoded from the {@code --format} encoding. */
    protected byte[] arg(String text, String what) {
        return root.format().parse(text, what);
    }

    /** Bytes as text output shows them. */
    protected String show(byte[] bytes) {
        return root.format().show(bytes);
    }

    protected DatabaseAccess.Lease read() {
        return root.session().access().read(root);
    }

    protected DatabaseAccess.Lease write(String command) {
        return root.session().access().write(root, command);
    }

    protected void print(Json.Obj o) {
        out().println(o);
        out().flush();
    }
}
