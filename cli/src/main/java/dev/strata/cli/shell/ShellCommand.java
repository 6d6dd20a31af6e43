package dev.strata.cli.shell;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Session;
import dev.strata.cli.StrataCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
 * again, {@code help} lists the commands, {@code exit} (or end of input) leaves.
 *
 * <p>Writable unless started with {@code --read-only}; a database locked by another process is
 * refused with exit code 5 and a hint to use {@code --read-only}. Prompts only on a terminal, so
 * a script piped in produces only the commands' output. The exit code is the last command's.
 */
@Command(name = "shell", description = "Open the database once and read commands from the input, one a line "
        + "(history, !!, !N, help, exit).")
public final class ShellCommand implements Callable<Integer> {
    @ParentCommand
    StrataCli root;

    @Override
    public Integer call() throws IOException {
        Session session = root.session();
        if (!session.access().getClass().equals(DatabaseAccess.class)) {
            throw new CliException(ExitCode.USAGE, "already in the shell");
        }
        try (DatabaseAccess.Lease lease = root.readOnly() ? session.access().read(root)
                : session.access().write(root, "open a writable shell on the database")) {
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
                    + ". 'help' lists the commands, 'history' the lines so far, 'exit' leaves.");
        }
        List<String> history = new ArrayList<>();
        int last = ExitCode.OK;
        while (true) {
            if (terminal) {
                inner.out().print("strata> ");
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
            last = execute(inner, fixed, line);
        }
        return last;
    }

    private static int execute(Session inner, List<String> fixed, String line) {
        List<String> tokens;
        try {
            tokens = LineSplitter.split(line);
        } catch (IllegalArgumentException e) {
            inner.err().println("strata: " + e.getMessage());
            inner.err().flush();
            return ExitCode.USAGE;
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
