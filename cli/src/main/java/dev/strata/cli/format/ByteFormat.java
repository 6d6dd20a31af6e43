package dev.strata.cli.format;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How keys and values are written on the command line and shown in human output
 * ({@code --format}). The same format reads arguments and writes output, so what a scan shows can
 * be pasted into a get. JSON output always uses base64, whatever this says.
 */
public enum ByteFormat {
    /**
     * Printable ASCII as is, a backslash as {@code \\}, every other byte as {@code \xNN}; the
     * default, safe for any bytes and any terminal. On input, the argument's UTF-8 bytes with
     * those two escapes decoded.
     */
    ESCAPED,
    /**
     * Valid UTF-8 shown as text, control characters, backslashes and invalid bytes escaped as in
     * {@link #ESCAPED}; on input, the same as {@link #ESCAPED}.
     */
    UTF8,
    /** Lower-case hex, two digits a byte; input may be either case. */
    HEX,
    /** Standard base64 with padding. */
    BASE64;

    /** Renders {@code bytes} for a human. */
    public String show(byte[] bytes) {
        return switch (this) {
            case ESCAPED -> escape(bytes, false);
            case UTF8 -> escape(bytes, true);
            case HEX -> HexFormat.of().formatHex(bytes);
            case BASE64 -> Base64.getEncoder().encodeToString(bytes);
        };
    }

    /** Parses an argument; {@code what} names it in the error ("key", "value"). */
    public byte[] parse(String text, String what) {
        try {
            return switch (this) {
                case ESCAPED, UTF8 -> unescape(text);
                case HEX -> HexFormat.of().parseHex(text);
                case BASE64 -> Base64.getDecoder().decode(text);
            };
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "the " + what + " '" + text + "' is not valid "
                    + name().toLowerCase() + ": " + e.getMessage());
        }
    }

    private static String escape(byte[] b, boolean utf8) {
        StringBuilder sb = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append((char) c);
                i++;
                continue;
            }
            int n = utf8 ? utf8SequenceLength(b, i) : 0;
            if (n > 0) {
                String s = new String(b, i, n, StandardCharsets.UTF_8);
                if (Character.isISOControl(s.codePointAt(0))) {
                    n = 0;
                } else {
                    sb.append(s);
                    i += n;
                    continue;
                }
            }
            sb.append(c == '\\' ? "\\\\" : String.format("\\x%02x", c));
            i++;
        }
        return sb.toString();
    }

    /** The length of a well-formed multi-byte UTF-8 sequence at {@code i}, or 0. */
    private static int utf8SequenceLength(byte[] b, int i) {
        int c = b[i] & 0xFF;
        int n;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n > b.length) {
            return 0;
        }
        int cp = c & (0xFF >> (n + 1));
        for (int k = 1; k < n; k++) {
            int d = b[i + k] & 0xFF;
            if ((d & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (d & 0x3F);
        }
        boolean surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        return cp < min || cp > 0x10FFFF || surrogate ? 0 : n;
    }

    private static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int plain = 0;
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '\\') {
                i++;
                continue;
            }
            out.writeBytes(text.substring(plain, i).getBytes(StandardCharsets.UTF_8));
            if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i += 2;
            } else if (i + 4 <= text.length() && text.charAt(i + 1) == 'x') {
                out.write(HexFormat.fromHexDigits(text, i + 2, i + 4));
                i += 4;
            } else {
                throw new IllegalArgumentException("a backslash must start \\\\ or \\xNN (at character " + i + ")");
            }
            plain = i;
        }
        out.writeBytes(text.substring(plain).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
