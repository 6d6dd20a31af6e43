package dev.strata.cli.shell;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Session;
import dev.strata.cli.StrataCli;
import dev.strata.cli.commands.DbCommand;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code strata shell}: a read-eval-print loop on one database that stays open, so a series of
 * commands pays for one open (one WAL replay) and sees its own writes. Each line is a command as
 * it would follow {@code strata} (the global options given to {@code shell} apply to every line;
 * a line may override {@code --format} and add {@code --json}); command names may be abbreviated
 * while unambiguous. {@code history} lists the lines so far, {@code !!} and {@code !N} run one
 * again, {@code use NAME} picks the column family that lines without {@code -c} use (the prompt
 * shows it; {@code -c} on {@code shell} picks the first), {@code help} lists the commands,
 * {@code exit} (or end of input) leaves.
 *
 * <p>Writable unless started with {@code --read-only}; a database locked by another process is
 * refused with exit code 5 and a hint to use {@code --read-only}. Prompts only on a terminal, so
 * a script piped in produces only the commands' output. The exit code is the last command's.
 */
@Command(name = "shell", description = "Open the database once and read commands from the input, one a line "
        + "(history, !!, !N, use FAMILY, help, exit).")
public final class ShellCommand implements Callable<Integer> {
    @ParentCommand
    StrataCli root;

    @Option(names = {"-c", "--column-family"}, paramLabel = "NAME",
            description = "The column family lines use when they name none (default: 'default'; 'use NAME' changes it).")
    String family;

    /** The family lines without -c use; null for the database's default family. */
    private String current;

    @Override
    public Integer call() throws IOException {
        Session session = root.session();
        if (!session.access().getClass().equals(DatabaseAccess.class)) {
            throw new CliException(ExitCode.USAGE, "already in the shell");
        }
        try (DatabaseAccess.Lease lease = root.readOnly() ? session.access().read(root)
                : session.access().write(root, "open a writable shell on the database")) {
            if (family != null) {
                use(lease.db(), family);
            }
            return loop(session.withAccess(DatabaseAccess.shared(lease.db(), root.readOnly())), lease);
        }
    }

    private int loop(Session inner, DatabaseAccess.Lease lease) throws IOException {
        List<String> fixed = new ArrayList<>(List.of("--db", lease.db().path().toString(), "--format",
                root.format().name().toLowerCase()));
        if (root.json()) {
            fixed.add("--json");
        }
        boolean terminal = inner.terminal();
        if (terminal) {
            inner.out().println("strata shell on " + lease.db().path() + (root.readOnly() ? " (read-only)" : "")
                    + ". 'help' lists the commands, 'use NAME' picks a column family, 'history' the lines so far, "
                    + "'exit' leaves.");
        }
        List<String> history = new ArrayList<>();
        int last = ExitCode.OK;
        while (true) {
            if (terminal) {
                inner.out().print(current == null ? "strata> " : "strata:" + current + "> ");
                inner.out().flush();
            }
            String line = inner.in().readLine();
            if (line == null) {
                break;
            }
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("exit") || line.equals("quit")) {
                break;
            }
            if (line.equals("history")) {
                for (int i = 0; i < history.size(); i++) {
                    inner.out().printf("%4d  %s%n", i + 1, history.get(i));
                }
                inner.out().flush();
                continue;
            }
            if (line.startsWith("!")) {
                String recalled = recall(history, line);
                if (recalled == null) {
                    inner.err().println("strata: no such line in the history: " + line);
                    inner.err().flush();
                    last = ExitCode.USAGE;
                    continue;
                }
                line = recalled;
                inner.err().println(line); // show what runs, as shells do
                inner.err().flush();
            }
            history.add(line);
            last = execute(inner.withFamily(current), lease.db(), fixed, line);
            leaveDroppedFamily(inner, lease.db());
        }
        return last;
    }

    private int execute(Session inner, StrataDatabase db, List<String> fixed, String line) {
        List<String> tokens;
        try {
            tokens = LineSplitter.split(line);
        } catch (IllegalArgumentException e) {
            return fail(inner, new CliException(ExitCode.USAGE, e.getMessage()));
        }
        if (tokens.get(0).equals("use")) {
            return useLine(inner, db, tokens);
        }
        List<String> args = new ArrayList<>(fixed);
        args.addAll(tokens);
        CommandLine cl = StrataCli.commandLine(inner);
        cl.setAbbreviatedSubcommandsAllowed(true);
        cl.setOverwrittenOptionsAllowed(true);
        int code = cl.execute(args.toArray(new String[0]));
        inner.out().flush();
        return code;
    }

    /** {@code use}: prints the current family; {@code use NAME}: makes NAME the current one (exit 3 if missing). */
    private int useLine(Session inner, StrataDatabase db, List<String> tokens) {
        try {
            if (tokens.size() == 1) {
                inner.out().println(current == null ? db.defaultColumnFamily().name() : current);
                inner.out().flush();
            } else if (tokens.size() == 2) {
                use(db, tokens.get(1));
            } else {
                throw new CliException(ExitCode.USAGE, "use takes one column family name, or none to show the current one");
            }
            return ExitCode.OK;
        } catch (CliException e) {
            return fail(inner, e);
        }
    }

    private void use(StrataDatabase db, String name) {
        ColumnFamily cf = DbCommand.family(db, name);
        current = cf.id() == db.defaultColumnFamily().id() ? null : cf.name();
    }

    /** After a line dropped the current family, lines go to the default family again (and the prompt says so). */
    private void leaveDroppedFamily(Session inner, StrataDatabase db) {
        if (current != null && !db.columnFamilies().contains(current)) {
            inner.err().println("strata: column family '" + current + "' is gone; lines use '"
                    + db.defaultColumnFamily().name() + "' again");
            inner.err().flush();
            current = null;
        }
    }

    private static int fail(Session inner, CliException e) {
        inner.err().println("strata: " + e.getMessage());
        inner.err().flush();
        return e.exitCode();
    }

    /** The line {@code !!} or {@code !N} names, or null. */
    private static String recall(List<String> history, String bang) {
        if (bang.equals("!!")) {
            return history.isEmpty() ? null : history.get(history.size() - 1);
        }
        try {
            int n = Integer.parseInt(bang.substring(1));
            return n >= 1 && n <= history.size() ? history.get(n - 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
