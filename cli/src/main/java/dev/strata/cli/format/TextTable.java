package dev.strata.cli.format;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A human-readable table: a header row and rows, columns padded to their widest cell and
 * separated by two spaces, the last column unpadded (so no line ends in spaces).
 *
 * <p>Streaming: rows are held until {@link #BUFFERED_ROWS} have arrived, which fixes the column
 * widths; later rows are printed at once with those widths (a wider cell pushes its line out
 * rather than holding a million-row scan in memory).
 */
public final class TextTable {
    static final int BUFFERED_ROWS = 200;

    private final PrintWriter out;
    private final List<String[]> pending = new ArrayList<>();
    private int[] widths;

    public TextTable(PrintWriter out, String... header) {
        this.out = out;
        pending.add(header);
    }

    public void row(String... cells) {
        if (widths != null) {
            print(cells);
            return;
        }
        pending.add(cells);
        if (pending.size() > BUFFERED_ROWS) {
            flushPending();
        }
    }

    /** Prints what is still held; call once after the last row. */
    public void finish() {
        if (widths == null) {
            flushPending();
        }
        out.flush();
    }

    private void flushPending() {
        int columns = pending.get(0).length;
        widths = new int[columns];
        for (String[] r : pending) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        for (String[] r : pending) {
            print(r);
        }
        pending.clear();
    }

    private void print(String[] cells) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c == cells.length - 1) {
                sb.append(cells[c]);
            } else {
                sb.append(cells[c]);
                sb.append(" ".repeat(Math.max(0, widths[c] - cells[c].length()) + 2));
            }
        }
        out.println(sb);
    }
}
