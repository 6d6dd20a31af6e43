package dev.strata.cli;

import dev.strata.cli.shell.LineSplitter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineSplitterTest {
    @Test
    void splitsAsAShellWouldWithoutExpansion() {
        assertThat(LineSplitter.split("  put  a   b ")).containsExactly("put", "a", "b");
        assertThat(LineSplitter.split("put 'a b' \"c d\"")).containsExactly("put", "a b", "c d");
        assertThat(LineSplitter.split("get k\\x00")).as("backslashes outside quotes stay").containsExactly("get", "k\\x00");
        assertThat(LineSplitter.split("put \"say \\\"hi\\\" \\\\o/\" 'it''s'")).containsExactly("put", "say \"hi\" \\o/", "its");
        assertThat(LineSplitter.split("put '' x")).containsExactly("put", "", "x");
        assertThat(LineSplitter.split("")).isEmpty();
    }

    @Test
    void anUnclosedQuoteIsAnError() {
        assertThatThrownBy(() -> LineSplitter.split("get 'abc")).hasMessage("unclosed single quote at column 5");
        assertThatThrownBy(() -> LineSplitter.split("get \"a\\\"")).hasMessage("unclosed double quote at column 5");
    }
}
