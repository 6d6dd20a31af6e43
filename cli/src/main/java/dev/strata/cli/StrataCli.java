package dev.strata.cli;

import dev.strata.cli.commands.CheckpointCommand;
import dev.strata.cli.commands.CompactCommand;
import dev.strata.cli.commands.CountCommand;
import dev.strata.cli.commands.FlushCommand;
import dev.strata.cli.commands.GetCommand;
import dev.strata.cli.commands.PropertiesCommand;
import dev.strata.cli.commands.PutCommand;
import dev.strata.cli.commands.RemoveCommand;
import dev.strata.cli.commands.RepairCommand;
import dev.strata.cli.commands.ScanCommand;
import dev.strata.cli.commands.StatsCommand;
import dev.strata.cli.commands.VerifyCommand;
import dev.strata.cli.commands.backup.BackupCommand;
import dev.strata.cli.commands.columns.ColumnsCommand;
import dev.strata.cli.format.ByteFormat;
import dev.strata.cli.shell.ShellCommand;
import dev.strata.engine.StrataException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The {@code strata} command: its global options, its subcommands, and how a failure becomes a
 * message on stderr and an exit code ({@link ExitCode}). {@link #main} is the jar's entry point;
 * {@link #run} runs one command line against given streams (the tests and the shell use it).
 */
@Command(name = "strata", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = VersionInfo.class, sortOptions = false,
        description = "Reads, writes, inspects, verifies, repairs and backs up a Strata database.",
        subcommands = {GetCommand.class, PutCommand.class, RemoveCommand.class, ScanCommand.class, CountCommand.class,
                ColumnsCommand.class, StatsCommand.class, PropertiesCommand.class, FlushCommand.class, CompactCommand.class,
                VerifyCommand.class, RepairCommand.class, CheckpointCommand.class, BackupCommand.class, ShellCommand.class,
                AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:failure: internal (I/O error, bug), or a confirmation answered no",
                "2:usage: bad command, option or argument; a write with --read-only",
                "3:not found: the key of a get, a column family, the database directory, a backup",
                "4:corruption: a damaged file, or verify (or backup verify) found damage",
                "5:locked: another process writes the database"},
        footer = {"", "Keys and values are written and shown in the --format encoding; JSON output uses base64.",
                "Commands that only read open the database read-only, beside a running writer.",
                "See docs/cli.md."})
public final class StrataCli implements Callable<Integer>, GlobalOptions {
    @Option(names = {"-d", "--db"}, paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "${env:STRATA_DB}",
            description = "The database directory (default: the STRATA_DB environment variable).")
    Path db;

    @Option(names = "--read-only", scope = ScopeType.INHERIT,
            description = "Open without the write lock, beside a running writer; commands that write refuse.")
    boolean readOnly;

    @Option(names = "--create-if-missing", scope = ScopeType.INHERIT,
            description = "Let a command that writes create the database if the directory is new or empty.")
    boolean createIfMissing;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print JSON (one object per line; keys and values base64) instead of text.")
    boolean json;

    @Option(names = "--format", paramLabel = "FORMAT", scope = ScopeType.INHERIT, defaultValue = "escaped",
            description = "How keys and values are written in arguments and shown in text output: "
                    + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: printable ASCII as is, other bytes \\xNN).")
    ByteFormat format;

    private final Session session;

    public StrataCli(Session session) {
        this.session = session;
    }

    public Session session() {
        return session;
    }

    @Override
    public Path db() {
        return db;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public boolean createIfMissing() {
        return createIfMissing;
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ByteFormat format() {
        return format;
    }

    /** {@code strata} without a command: the usage, and exit code 2. */
    @Override
    public Integer call() {
        session.err().println("strata: no command given");
        new CommandLine(this).usage(session.err());
        return ExitCode.USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Session s = new Session(out, err, in, () -> System.console() != null, DatabaseAccess.perCommand());
        int code = run(s, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line in {@code session}; returns the exit code. */
    public static int run(Session session, String... args) {
        return commandLine(session).execute(args);
    }

    /** The command line, wired to the session's streams and to the tool's error reporting. */
    public static CommandLine commandLine(Session session) {
        CommandLine cl = new CommandLine(new StrataCli(session));
        cl.setOut(session.out());
        cl.setErr(session.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, line, parsed) -> report(session.err(), e));
        cl.setParameterExceptionHandler((e, args) -> {
            session.err().println("strata: " + e.getMessage());
            CommandLine c = e.getCommandLine();
            session.err().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            session.err().flush();
            return ExitCode.USAGE;
        });
        return cl;
    }

    /** Prints a failure on stderr (one line, two with a hint) and returns its exit code. */
    static int report(PrintWriter err, Exception e) {
        int code = ExitCode.of(e);
        if (e instanceof CliException || e instanceof StrataException) {
            err.println("strata: " + e.getMessage());
        } else {
            err.println("strata: internal error: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                err.println("  caused by: " + c);
            }
        }
        err.flush();
        return code;
    }
}
