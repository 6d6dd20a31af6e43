package dev.strata.cli;

import java.io.IOException;

/**
 * Asks the person at the terminal before a command destroys data ({@code columns drop}). The
 * question goes to stderr, so stdout keeps only data (JSON stays parseable); the answer is read
 * from the session's input (in the shell, the next line). Without a terminal nobody can answer,
 * so the command refuses unless it was given {@code --yes}: a script says so explicitly.
 */
public final class Confirmation {
    private Confirmation() {
    }

    /**
     * Returns if the command may go on: {@code yes} was given, or the person answered {@code y}
     * or {@code yes}. Otherwise throws: exit code 2 when no terminal can answer, 1 when the answer
     * was anything else (nothing was changed).
     *
     * @param command  the command as the operator typed it, for the messages
     * @param question what the command is about to do, ending in a question mark
     */
    public static void require(Session session, boolean yes, String command, String question) {
        if (yes) {
            return;
        }
        if (!session.terminal()) {
            throw new CliException(ExitCode.USAGE, command + " asks for confirmation and there is no terminal to "
                    + "answer it; add --yes to go ahead without asking");
        }
        session.err().print(question + " [y/N] ");
        session.err().flush();
        String answer;
        try {
            answer = session.in().readLine();
        } catch (IOException e) {
            throw new CliException(ExitCode.INTERNAL, "cannot read the answer: " + e.getMessage());
        }
        if (answer == null) {
            session.err().println(); // end the prompt's line
        }
        String a = answer == null ? "" : answer.strip();
        if (!a.equalsIgnoreCase("y") && !a.equalsIgnoreCase("yes")) {
            throw new CliException(ExitCode.DECLINED, command + ": not confirmed; nothing was changed");
        }
    }
}
