package dev.strata.cli.format;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Times as the tool shows and reads them: shown as ISO-8601 in UTC with milliseconds always
 * present ({@code 2026-11-25T10:15:30.120Z}, one width, so table columns line up); read as
 * ISO-8601 with {@code Z} or an offset, or as milliseconds since the epoch.
 */
public final class Times {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** {@code epochMillis} as shown in text and JSON output. */
    public static String show(long epochMillis) {
        return SHOWN.format(Instant.ofEpochMilli(epochMillis));
    }

    /** ISO-8601 (with Z or an offset) or milliseconds since the epoch; exit code 2 otherwise. */
    public static long parse(String text) {
        if (text.matches("\\d{1,18}")) {
            return Long.parseLong(text);
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new CliException(ExitCode.USAGE, "'" + text + "' is not a time: give ISO-8601 "
                        + "(2026-11-25T10:15:30Z, 2026-11-25T11:15:30+01:00) or milliseconds since the epoch");
            }
        }
    }
}
