package dev.strata.cli;

import dev.strata.cli.format.ByteFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a format shows it reads back to the same bytes, for any bytes; bad input is a usage error. */
class ByteFormatTest {
    @Test
    void everyFormatReadsBackWhatItShows() {
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[rnd.nextInt(40)];
            rnd.nextBytes(b);
            if (i % 3 == 0) {
                b = ("k\\é" + i + "\u2013\uD83D\uDE00").getBytes(StandardCharsets.UTF_8);
            }
            for (ByteFormat f : ByteFormat.values()) {
                assertThat(f.parse(f.show(b), "key")).as("%s of %s", f, f.show(b)).isEqualTo(b);
            }
        }
    }

    @Test
    void escapedShowsPrintableAsciiAndEscapesTheRest() {
        byte[] b = {'a', ' ', '\\', 0, 0x7F, (byte) 0xC3, (byte) 0xA9, '\n'};
        assertThat(ByteFormat.ESCAPED.show(b)).isEqualTo("a \\\\\\x00\\x7f\\xc3\\xa9\\x0a");
        assertThat(ByteFormat.UTF8.show(b)).isEqualTo("a \\\\\\x00\\x7fé\\x0a");
        assertThat(ByteFormat.UTF8.show(new byte[]{(byte) 0xC2, (byte) 0x85, (byte) 0xED, (byte) 0xA0, (byte) 0x80,
                (byte) 0xF0, (byte) 0x9F}))
                .as("a C1 control, a surrogate and a truncated sequence are escaped").isEqualTo("\\xc2\\x85\\xed\\xa0\\x80\\xf0\\x9f");
        assertThat(ByteFormat.HEX.show(b)).isEqualTo("61205c007fc3a90a");
        assertThat(ByteFormat.HEX.parse("FF00", "key")).containsExactly(0xFF, 0);
    }

    @Test
    void malformedInputIsAUsageError() {
        for (Object[] c : new Object[][]{{ByteFormat.HEX, "abc"}, {ByteFormat.HEX, "zz"}, {ByteFormat.BASE64, "@@"},
                {ByteFormat.ESCAPED, "a\\"}, {ByteFormat.ESCAPED, "\\xg0"}, {ByteFormat.UTF8, "\\n"}}) {
            ByteFormat f = (ByteFormat) c[0];
            String text = (String) c[1];
            assertThatThrownBy(() -> f.parse(text, "key")).as("%s %s", f, text).isInstanceOf(CliException.class)
                    .hasMessageStartingWith("the key '" + text + "' is not valid")
                    .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        }
    }
}
