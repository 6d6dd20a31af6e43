package dev.strata.cli.commands.backup;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application metadata the tool stores with a backup ({@code backup create --meta k=v}) and
 * shows in {@code backup list}: UTF-8 text, one {@code key=value} line each ({@code \n}), in the
 * order given. The engine stores the bytes as they are; metadata another program wrote in
 * another form is shown as base64 only.
 */
final class BackupMetadata {
    private BackupMetadata() {
    }

    /** The bytes of {@code pairs} ({@code key=value} each); exit code 2 for a malformed or repeated key. */
    static byte[] encode(List<String> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || p.indexOf('\n') >= 0) {
                throw new CliException(ExitCode.USAGE, "--meta takes KEY=VALUE (a key of at least one character, "
                        + "no line breaks), not '" + p + "'");
            }
            if (m.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
                throw new CliException(ExitCode.USAGE, "--meta gives key '" + p.substring(0, eq) + "' twice");
            }
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The pairs {@code bytes} hold, in order; null if they are not in this form. */
    static Map<String, String> decode(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return m;
        }
        if (!text.endsWith("\n")) {
            return null;
        }
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            int eq = line.indexOf('=');
            if (eq <= 0 || m.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                return null;
            }
        }
        return m;
    }
}
