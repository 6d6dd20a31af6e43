package dev.strata.cli.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell line into arguments as a POSIX shell would, minus expansion: whitespace
 * separates, 'single quotes' keep everything literally, "double quotes" keep everything but
 * {@code \"} and {@code \\}. Outside quotes a backslash is kept as is, so the {@code \xNN} escapes
 * of the default key format pass through untouched.
 */
public final class LineSplitter {
    private LineSplitter() {
    }

    /** The arguments of {@code line}; throws {@link IllegalArgumentException} on an unclosed quote. */
    public static List<String> split(String line) {
        List<String> args = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inArg = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inArg) {
                    args.add(cur.toString());
                    cur.setLength(0);
                    inArg = false;
                }
                i++;
            } else if (c == '\'' || c == '"') {
                int close = closingQuote(line, i);
                String quoted = line.substring(i + 1, close);
                cur.append(c == '"' ? quoted.replace("\\\"", "\"").replace("\\\\", "\\") : quoted);
                inArg = true;
                i = close + 1;
            } else {
                cur.append(c);
                inArg = true;
                i++;
            }
        }
        if (inArg) {
            args.add(cur.toString());
        }
        return args;
    }

    private static int closingQuote(String line, int open) {
        char q = line.charAt(open);
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q == '"' && c == '\\' && i + 1 < line.length()) {
                i++;
            } else if (c == q) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed " + (q == '"' ? "double" : "single") + " quote at column " + (open + 1));
    }
}
